DOSSIER_SEARCH.t["wi"] = {
"with":[12]
};
