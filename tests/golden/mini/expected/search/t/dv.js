DOSSIER_SEARCH.t["dv"] = {
"dvc":[2,2,10,2]
};
