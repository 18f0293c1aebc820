DOSSIER_SEARCH.t["dr"] = {
"dropped":[16]
};
