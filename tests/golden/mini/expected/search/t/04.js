DOSSIER_SEARCH.t["04"] = {
"04":[2,12]
};
