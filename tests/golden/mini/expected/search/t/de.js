DOSSIER_SEARCH.t["de"] = {
"development":[0,2]
};
