DOSSIER_SEARCH.t["b"] = {
"b":[18]
};
