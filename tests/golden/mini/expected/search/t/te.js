DOSSIER_SEARCH.t["te"] = {
"team":[22],
"test":[22],
"tested":[22]
};
