DOSSIER_SEARCH.t["zo"] = {
"zoe":[0]
};
