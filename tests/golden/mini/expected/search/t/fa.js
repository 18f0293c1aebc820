DOSSIER_SEARCH.t["fa"] = {
"fairness":[22]
};
