DOSSIER_SEARCH.t["to"] = {
"to":[12,4]
};
