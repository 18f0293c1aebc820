DOSSIER_SEARCH.t["s"] = {
"s":[4]
};
