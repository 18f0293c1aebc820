DOSSIER_SEARCH.t["va"] = {
"validation":[14,2]
};
