DOSSIER_SEARCH.t["01"] = {
"01":[14]
};
