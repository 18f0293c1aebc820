DOSSIER_SEARCH.t["do"] = {
"doc":[7,3,11,3]
};
