DOSSIER_SEARCH.t["0f"] = {
"0f1e2d3c":[2]
};
