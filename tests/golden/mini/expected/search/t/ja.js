DOSSIER_SEARCH.t["ja"] = {
"jane":[12],
"january":[18]
};
