DOSSIER_SEARCH.t["in"] = {
"in":[0,18],
"internal":[20,4]
};
