DOSSIER_SEARCH.t["fr"] = {
"from":[20]
};
