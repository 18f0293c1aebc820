DOSSIER_SEARCH.t["ca"] = {
"cafe":[1,3,3,3,3,3],
"card":[6,12]
};
