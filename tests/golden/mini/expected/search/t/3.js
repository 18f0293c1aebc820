DOSSIER_SEARCH.t["3"] = {
"3":[4]
};
