DOSSIER_SEARCH.t["09"] = {
"09":[16]
};
