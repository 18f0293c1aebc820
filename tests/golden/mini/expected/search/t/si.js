DOSSIER_SEARCH.t["si"] = {
"signed":[18]
};
