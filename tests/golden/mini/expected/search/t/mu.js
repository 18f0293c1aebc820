DOSSIER_SEARCH.t["mu"] = {
"muller":[0]
};
