DOSSIER_SEARCH.t["ge"] = {
"generated":[10]
};
