DOSSIER_SEARCH.t["ol"] = {
"old":[16]
};
