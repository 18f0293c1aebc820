DOSSIER_SEARCH.t["fi"] = {
"first":[14],
"fixture":[0,12]
};
