DOSSIER_SEARCH.t["ri"] = {
"risk":[11,2,11]
};
