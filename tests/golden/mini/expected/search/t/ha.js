DOSSIER_SEARCH.t["ha"] = {
"have":[22]
};
