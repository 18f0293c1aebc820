DOSSIER_SEARCH.t["cu"] = {
"customer":[0]
};
