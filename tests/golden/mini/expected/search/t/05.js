DOSSIER_SEARCH.t["05"] = {
"05":[4]
};
