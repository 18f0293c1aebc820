DOSSIER_SEARCH.t["ch"] = {
"chat":[0],
"check":[13,3,3,3,3,3],
"chen":[2,2]
};
