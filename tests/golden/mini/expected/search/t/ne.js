DOSSIER_SEARCH.t["ne"] = {
"neill":[12],
"new":[4]
};
