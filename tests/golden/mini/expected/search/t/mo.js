DOSSIER_SEARCH.t["mo"] = {
"model":[6,12],
"models":[22]
};
