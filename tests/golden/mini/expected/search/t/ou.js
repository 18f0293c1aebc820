DOSSIER_SEARCH.t["ou"] = {
"outputs":[10]
};
