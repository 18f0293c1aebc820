DOSSIER_SEARCH.t["v2"] = {
"v2":[4,20]
};
