DOSSIER_SEARCH.t["lo"] = {
"loan":[13,3,3,3,3,3],
"loans":[14,2],
"longer":[4]
};
