DOSSIER_SEARCH.t["sa"] = {
"sam":[14,2]
};
