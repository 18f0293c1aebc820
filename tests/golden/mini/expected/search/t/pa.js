DOSSIER_SEARCH.t["pa"] = {
"partial":[22],
"patel":[14,2]
};
