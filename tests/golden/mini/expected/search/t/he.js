DOSSIER_SEARCH.t["he"] = {
"head":[14,2]
};
