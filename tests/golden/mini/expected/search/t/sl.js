DOSSIER_SEARCH.t["sl"] = {
"slower":[4]
};
