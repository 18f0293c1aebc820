DOSSIER_SEARCH.t["le"] = {
"lee":[2,2]
};
