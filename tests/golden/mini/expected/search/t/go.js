DOSSIER_SEARCH.t["go"] = {
"golden":[2,2],
"governance":[2,2]
};
