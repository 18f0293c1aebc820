DOSSIER_SEARCH.t["03"] = {
"03":[14]
};
