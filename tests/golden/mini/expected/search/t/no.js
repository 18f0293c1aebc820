DOSSIER_SEARCH.t["no"] = {
"not":[20,2]
};
