DOSSIER_SEARCH.t["d4"] = {
"d4e5f6a":[16]
};
