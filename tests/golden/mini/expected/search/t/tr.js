DOSSIER_SEARCH.t["tr"] = {
"train":[14,2]
};
