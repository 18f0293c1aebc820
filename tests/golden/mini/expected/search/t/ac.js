DOSSIER_SEARCH.t["ac"] = {
"accuracy":[4]
};
