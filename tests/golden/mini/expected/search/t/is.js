DOSSIER_SEARCH.t["is"] = {
"is":[6,10,2]
};
