DOSSIER_SEARCH.t["ar"] = {
"are":[8,2,10]
};
