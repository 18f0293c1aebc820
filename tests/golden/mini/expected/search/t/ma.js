DOSSIER_SEARCH.t["ma"] = {
"made":[4]
};
