DOSSIER_SEARCH.t["9a"] = {
"9a8b7c6d":[4]
};
