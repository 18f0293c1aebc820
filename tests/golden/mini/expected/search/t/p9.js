DOSSIER_SEARCH.t["p9"] = {
"p95":[4]
};
