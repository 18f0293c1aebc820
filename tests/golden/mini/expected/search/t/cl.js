DOSSIER_SEARCH.t["cl"] = {
"classic":[12]
};
