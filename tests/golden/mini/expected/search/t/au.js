DOSSIER_SEARCH.t["au"] = {
"auc":[16]
};
