DOSSIER_SEARCH.t["hi"] = {
"high":[12,10]
};
